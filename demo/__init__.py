"""The demo congress: the 7th session of the 3rd congress and a current session, built through
the services from `fixtures/demo/` (command `load_demo`)."""
