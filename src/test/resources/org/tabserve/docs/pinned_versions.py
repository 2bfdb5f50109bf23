"""Stands for docs/models.md's `pip install NAME==VERSION ...` lines in ExportedModelsIT (no package index here): each
pinned version must be the one this Python imports (its distribution's version, its module's __version__, or the
Debian package it comes from), so that the line names the versions the test ran. Prints one line per package; exits
1 naming the packages whose version differs or that cannot be imported. A package that cannot be imported is said
"not importable", for the test to skip a block whose library is not installed, saying why."""

import importlib
import importlib.metadata
import subprocess
import sys

MODULES = {"scikit-learn": "sklearn", "onnxconverter-common": "onnxconverter_common"}
DEBIAN = {"scikit-learn": "python3-sklearn"}


def found(name):
    versions = {}
    try:
        versions["distribution"] = importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        pass
    try:
        module = importlib.import_module(MODULES.get(name, name.replace("-", "_")))
        versions["module"] = getattr(module, "__version__", None)
    except ImportError as e:
        versions["module"] = "not importable: %s" % e
    debian = subprocess.run(["dpkg-query", "-W", "-f", "${Version}", DEBIAN.get(name, "python3-" + name)],
                            capture_output=True, text=True)
    if debian.returncode == 0 and debian.stdout:
        # 1.13.1+dfsg-4 -> 1.13.1; 1:1.24.2-1 -> 1.24.2
        versions["debian"] = debian.stdout.split(":")[-1].split("+")[0].rsplit("-", 1)[0]
    return versions


def main():
    wrong = []
    for pin in sys.argv[1:]:
        name, version = pin.split("==")
        versions = found(name)
        print("%s: %s" % (pin, versions))
        if version not in versions.values():
            wrong.append("%s (here: %s)" % (pin, versions))
    if wrong:
        print("pinned versions that are not the ones here: " + "; ".join(wrong))
        sys.exit(1)


if __name__ == "__main__":
    main()
