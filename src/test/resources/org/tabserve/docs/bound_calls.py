"""For ExportedModelsIT's exporters that cannot run here (no LightGBM, TensorFlow or tf2onnx in Debian 12): parses
each script named (a syntax error fails) and binds the arguments of each call of a function it imports by name (`from M
import F`) to F's real signature where M imports, as a call would bind them. Prints `F: bound` per function, and
`M: cannot be imported here` per module it imports that is not here; exits 1 naming a call whose arguments F does not take."""

import ast
import importlib
import inspect
import sys


def main():
    failed = []
    for script in sys.argv[1:]:
        print(script)
        failed += calls(script)
    if failed:
        print("calls whose arguments the function does not take: " + "; ".join(failed))
        sys.exit(1)


def calls(script):
    tree = ast.parse(open(script, encoding="utf-8").read(), script)
    imported = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):  # a module called through (tf2onnx.convert.from_keras): is it here?
            for alias in node.names:
                try:
                    importlib.import_module(alias.name)
                except ImportError as e:
                    print("%s: cannot be imported here (%s)" % (alias.name, e))
        if isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                imported[alias.asname or alias.name] = (node.module, alias.name)
    failed = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in imported:
            module, name = imported[node.func.id]
            try:
                function = getattr(importlib.import_module(module), name)
            except ImportError as e:
                print("%s: cannot be imported here (%s)" % (module, e))
                continue
            try:
                inspect.signature(function).bind(*[None] * len(node.args), **{k.arg: None for k in node.keywords})
                print("%s: bound (%s)" % (name, ", ".join(k.arg for k in node.keywords)))
            except TypeError as e:
                failed.append("%s, line %d: %s" % (script, node.lineno, e))
    return failed


if __name__ == "__main__":
    main()
