"""The harness itself: a test case whose peer program is missing skips on a developer machine and
fails under CI=true."""
import os
import unittest
from unittest import mock

import harness

ABSENT = "proxflow-no-such-program"


def run_case(decorated):
    """Runs the case as a suite does, so its setUpClass runs too."""
    result = unittest.TestResult()
    unittest.defaultTestLoader.loadTestsFromTestCase(decorated).run(result)
    return result


def a_case():
    class UsesPeer(unittest.TestCase):
        def test_something(self):
            pass
    return UsesPeer


class NeedsPrograms(unittest.TestCase):
    def test_a_present_program_leaves_the_case_alone(self):
        with mock.patch.dict(os.environ, {"CI": "true"}):
            result = run_case(harness.needs_programs("python3", why="here")(a_case()))
        self.assertTrue(result.wasSuccessful())
        self.assertEqual((result.testsRun, len(result.skipped)), (1, 0))

    def test_a_missing_program_skips_outside_ci(self):
        with mock.patch.dict(os.environ, {"CI": ""}):
            result = run_case(harness.needs_programs(ABSENT, why="a peer")(a_case()))
        self.assertTrue(result.wasSuccessful())
        self.assertEqual(len(result.skipped), 1)
        self.assertIn(ABSENT, result.skipped[0][1])

    def test_a_missing_program_fails_under_ci(self):
        with mock.patch.dict(os.environ, {"CI": "true"}):
            result = run_case(harness.needs_programs("python3", ABSENT, why="a peer")(a_case()))
        self.assertFalse(result.wasSuccessful())
        self.assertEqual(len(result.skipped), 0)
        self.assertIn(ABSENT, result.errors[0][1])
        self.assertIn("CI=true", result.errors[0][1])


if __name__ == "__main__":
    unittest.main()
