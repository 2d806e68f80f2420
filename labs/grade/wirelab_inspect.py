#!/usr/bin/env python3
"""wirelab-inspect for the student pack: the project's frame and handshake explainer (tools/inspect, on
the project's own RFC 6455 library wire/), compiled on first use into .cache/ and then run with your
arguments. `./wirelab-inspect --help` lists what it does; in the repository use build/dev/wirelab-inspect.
"""
import os
import sys
from pathlib import Path

from wirelab_grade import HERE, build_units, link_cached

PACK = HERE.parent                       # the pack: grade/, tools/inspect/, wire/
FLAGS = ["-std=c++20", "-O0", "-g0", "-w"]  # -O0 compiles fastest; -w: the project build holds it to -Werror
LIBS = ["-lfmt", "-lcrypto", "-lz"]


def build() -> Path:
    tools, wire = PACK / "tools" / "inspect", PACK / "wire"
    if not tools.is_dir() or not wire.is_dir():
        sys.exit("wirelab-inspect: tools/inspect/ and wire/ are not here: this script is for the student pack "
                 "(labs/pack); in the repository, build it: cmake --build --preset dev --target wirelab-inspect")
    headers = sorted((wire / "include").rglob("*.h")) + sorted((wire / "src").glob("*.h")) + sorted(tools.glob("*.h"))
    includes = [f"-I{wire / 'include'}", f"-I{wire / 'src'}", f"-I{tools}"]
    units = [("wire", sorted((wire / "src").glob("*.cpp")), headers, includes),
             ("inspect", sorted(tools.glob("*.cpp")), headers, includes)]
    cxx = os.environ.get("CXX", "g++")
    objects = build_units(cxx, FLAGS, PACK / ".cache", PACK, units, "wirelab-inspect")
    return link_cached(cxx, objects["inspect"] + objects["wire"], LIBS, PACK / ".cache", "wirelab-inspect")


def main() -> int:
    program = build()
    os.execv(str(program), [str(program)] + sys.argv[1:])
    return 0  # not reached


if __name__ == "__main__":
    sys.exit(main())
