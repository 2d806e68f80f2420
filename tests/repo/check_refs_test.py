#!/usr/bin/env python3
"""scripts/check-refs both ways: a clean tree passes, each planted dangling
reference fails naming its file and line."""
import os
import subprocess
import sys
import tempfile
import unittest

CHECK = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(__file__), '..', '..', 'scripts', 'check-refs')

CLEAN = {
    'README.md': 'See [the platform](docs/platform.md) and relay/tap/ and docs/.\n',
    'docs/platform.md': 'Facts. Back to ../README.md.\n',
    'relay/tap/edge_tap.h': '// The tap (docs/platform.md, "The byte-exact tap").\n#include "wire/frame.h"\n',
    'wire/include/wire/frame.h': '// frames\n',
    'labs/FRAMEWORK.md': 'A grader includes "../../02-frames/grader/describe.h"; build/dev/x and labs/NN-name/code/ are made later.\n',
    'labs/02-frames/grader/describe.h': '// describe\n',
}


def run_on(files):
    with tempfile.TemporaryDirectory() as d:
        for name, text in files.items():
            os.makedirs(os.path.join(d, os.path.dirname(name)), exist_ok=True)
            with open(os.path.join(d, name), 'w') as f:
                f.write(text)
        subprocess.run(['git', 'init', '-q', d], check=True)
        subprocess.run(['git', '-C', d, 'add', '-A'], check=True)
        r = subprocess.run([sys.executable, CHECK, d], capture_output=True, text=True, timeout=30)
        return r.returncode, r.stdout + r.stderr


# The planted references are assembled from parts so that this file, which must hold them, does not
# itself read as a dangling reference to tools that scan the tree line by line.
ABSENT_DOC = 'PLAT' + 'FORM.md'
STYLE_RULE = 'STY' + 'LE 12'
DESIGN_RULE = 'DES' + 'IGN principle 4'
OUTSIDE = '../' + 'shared/'


class CheckRefs(unittest.TestCase):
    def test_clean_tree_passes(self):
        code, out = run_on(CLEAN)
        self.assertEqual(code, 0, f'expected exit 0 on a clean tree, got {code}:\n{out}')

    def assert_caught(self, name, text, needle):
        files = dict(CLEAN)
        files[name] = files.get(name, '') + text
        code, out = run_on(files)
        self.assertEqual(code, 1, f'expected exit 1 for {text!r} in {name}, got {code}:\n{out}')
        self.assertIn(needle, out, f'expected the report to name {needle!r}:\n{out}')
        self.assertIn(name + ':', out, f'expected the report to name the file {name}:\n{out}')

    def test_missing_document(self):
        self.assert_caught('relay/tap/edge_tap.h', f'// lws copies protocol arrays ({ABSENT_DOC}).\n', ABSENT_DOC)

    def test_missing_source_path(self):
        self.assert_caught('README.md', 'The hub is in relay/mirror/hub.cpp.\n', 'relay/mirror/hub.cpp')

    def test_missing_include(self):
        self.assert_caught('relay/tap/edge_tap.h', '#include "wire/nothing.h"\n', 'wire/nothing.h')

    def test_numbered_rule_of_an_absent_document(self):
        self.assert_caught('docs/platform.md', f'RAII ({STYLE_RULE}) and the store (R3).\n', STYLE_RULE)

    def test_numbered_principle_of_an_absent_document(self):
        self.assert_caught('relay/tap/edge_tap.h', f'// bounded ({DESIGN_RULE}).\n', DESIGN_RULE)

    def test_path_outside_the_repository(self):
        self.assert_caught('README.md', f'Read {OUTSIDE}notes.md first.\n', OUTSIDE)


if __name__ == '__main__':
    unittest.main(argv=[sys.argv[0]], verbosity=2)
