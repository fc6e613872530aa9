"""Names the office's spreadsheets commonly use for units and categories; staff edit them in the admin."""

from django.db import migrations

UNITS = {
    "市住建局": "吕梁市住房和城乡建设局",
    "住建局": "吕梁市住房和城乡建设局",
    "市住房城乡建设局": "吕梁市住房和城乡建设局",
    "市发改委": "吕梁市发展和改革委员会",
    "发改委": "吕梁市发展和改革委员会",
    "市教育局": "吕梁市教育局",
    "市人社局": "吕梁市人力资源和社会保障局",
    "人社局": "吕梁市人力资源和社会保障局",
    "市交通局": "吕梁市交通运输局",
    "交通局": "吕梁市交通运输局",
    "市卫健委": "吕梁市卫生健康委员会",
    "卫健委": "吕梁市卫生健康委员会",
    "市自然资源局": "吕梁市规划和自然资源局",
    "市环保局": "吕梁市生态环境局",
    "市文旅局": "吕梁市文化和旅游局",
    "市城管局": "吕梁市城市管理局",
    "市医保局": "吕梁市医疗保障局",
    "市市场监管局": "吕梁市市场监督管理局",
    "市中院": "吕梁市中级人民法院",
    "市中级法院": "吕梁市中级人民法院",
    "市检察院": "吕梁市人民检察院",
    "供电公司": "国网吕梁供电公司",
}
CATEGORIES = {
    "工业": "工业经济",
    "城建": "城乡建设",
    "城市建设": "城乡建设",
    "交通": "交通运输",
    "农业": "农业农村",
    "三农": "农业农村",
    "环保": "生态环境",
    "环境保护": "生态环境",
    "教育": "教育科技",
    "科教": "教育科技",
    "卫生": "医疗卫生",
    "医疗": "医疗卫生",
    "社保": "社会保障",
    "民生": "社会保障",
    "文旅": "文化旅游",
    "政法": "政法工作",
    "财经": "财政金融",
    "财政": "财政金融",
}


def seed(apps, schema_editor):
    ImportAlias = apps.get_model("suggestions", "ImportAlias")
    ImportAlias.objects.bulk_create(
        [ImportAlias(kind="unit", alias=a, name=n) for a, n in UNITS.items()]
        + [ImportAlias(kind="category", alias=a, name=n) for a, n in CATEGORIES.items()],
        ignore_conflicts=True,
    )


def unseed(apps, schema_editor):
    ImportAlias = apps.get_model("suggestions", "ImportAlias")
    ImportAlias.objects.filter(alias__in=[*UNITS, *CATEGORIES]).delete()


class Migration(migrations.Migration):
    dependencies = [("suggestions", "0004_import_aliases_mappings_and_imported_events")]

    operations = [migrations.RunPython(seed, unseed)]
