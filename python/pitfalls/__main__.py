"""``python -m pitfalls``: run the ``pitfalls`` binary installed with this
package, with the same arguments and exit code."""

import os
import sys
import sysconfig


def find_pitfalls_bin() -> str:
    """The path of the ``pitfalls`` executable this package installed.

    A wheel puts it in the scripts folder of the environment it is installed
    into: the interpreter's own, the user scheme (``pip install --user``), or
    ``bin`` beside a ``pip install --target`` folder.
    """
    exe = "pitfalls" + (sysconfig.get_config_var("EXE") or "")
    candidates = [os.path.join(sysconfig.get_path("scripts"), exe)]
    if sys.version_info >= (3, 10):
        user_scheme = sysconfig.get_preferred_scheme("user")
    elif os.name == "nt":
        user_scheme = "nt_user"
    elif sys.platform == "darwin" and getattr(sys, "_framework", None):
        user_scheme = "osx_framework_user"
    else:
        user_scheme = "posix_user"
    candidates.append(os.path.join(sysconfig.get_path("scripts", scheme=user_scheme), exe))
    # `pip install --target DIR`: DIR/pitfalls/__main__.py and DIR/bin/pitfalls.
    package_parent = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    candidates.append(os.path.join(package_parent, "bin", exe))
    for path in candidates:
        if os.path.isfile(path):
            return path
    raise FileNotFoundError(
        "the pitfalls executable is not installed beside this package; looked at: "
        + ", ".join(candidates)
    )


def main() -> None:
    pitfalls = os.fsdecode(find_pitfalls_bin())
    if sys.platform == "win32":
        # Windows has no exec that keeps the console's process: run and wait.
        import subprocess

        sys.exit(subprocess.run([pitfalls, *sys.argv[1:]]).returncode)
    os.execvp(pitfalls, [pitfalls, *sys.argv[1:]])


if __name__ == "__main__":
    main()
