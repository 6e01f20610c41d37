/**
 * Runs a Databricks notebook's source under python3 with a stand-in dbutils: its widgets are the
 * parameters given as JSON (argv[2]); prints `{ok, values}` with the task values it set, or
 * `{ok: false, error}`. Usage: python3 harness.py NOTEBOOK.py PARAMS_JSON.
 */
export const NOTEBOOK_HARNESS = `import json, sys
class Widgets:
    def __init__(self, params): self.params = params
    def get(self, name):
        if name in self.params: return self.params[name]
        raise Exception("InputWidgetNotDefined: " + name)
class TaskValues:
    def __init__(self): self.values = {}
    def set(self, key, value): self.values[key] = value
class Jobs:
    def __init__(self): self.taskValues = TaskValues()
class DbUtils:
    def __init__(self, params): self.widgets = Widgets(params); self.jobs = Jobs()
dbutils = DbUtils(json.loads(sys.argv[2]))
try:
    exec(compile(open(sys.argv[1]).read(), "notebook", "exec"), {"dbutils": dbutils, "__name__": "__main__"})
    print(json.dumps({"ok": True, "values": dbutils.jobs.taskValues.values}))
except Exception as error:
    print(json.dumps({"ok": False, "error": str(error)}))
`
