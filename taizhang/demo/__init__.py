"""The demo county (青溪县): fictional names, text templates and the story `load_demo` plays through the actions.

Plain Python, not an app. `county` and `texts` are data, `story` plans the whole story without touching the
database (so it can be tested on its own), and `loader` plays the plan through the real `do_*` actions.
Every name here is invented.
"""
