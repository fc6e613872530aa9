// For each table in <main> at phone width: stacked cards with every cell labelled, or a
// scrolling table with its header row and first column held; sort links not covered and big
// enough to tap. Returns the problems found, as text (see tests/test_browser_phone.py).
() => {
  const problems = [];
  document.querySelectorAll('main table').forEach((table, i) => {
    const row = table.querySelector('tbody tr');
    if (!row) return;
    const stacked = getComputedStyle(row).display === 'block';
    if (stacked) {
      table.querySelectorAll('tbody td').forEach(td => {
        const text = td.innerText.trim();
        const alone = td.hasAttribute('colspan') || td.querySelector('input[type=checkbox]');
        if (text && !alone && !td.dataset.label) problems.push(`table ${i}: "${text}" has no label`);
      });
    } else if (table.querySelector('thead')) {
      const box = table.closest('.figures-box');
      if (!box) { problems.push(`table ${i}: neither stacked nor in a scrolling box`); return; }
      const head = table.querySelector('thead th');
      if (getComputedStyle(head).position !== 'sticky') problems.push(`table ${i}: header not held`);
      const first = table.querySelector('tbody tr > :first-child');
      if (getComputedStyle(first).position !== 'sticky') problems.push(`table ${i}: first column not held`);
    }
  });
  document.querySelectorAll('main thead a').forEach(a => {
    a.scrollIntoView({block: 'center', inline: 'center'});
    const r = a.getBoundingClientRect();
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    if (!hit || !(hit === a || a.contains(hit))) problems.push(`sort link "${a.innerText}" is covered`);
    if (r.height < 24) problems.push(`sort link "${a.innerText}" is too small to tap`);
  });
  return problems;
}
