"""The suite runs Pulumi programs with the package's own runner (`pulumi_mms.testing.programs`)."""

from pulumi_mms.testing.programs import UNKNOWN, EmulatorMocks, ProgramRun, Registered, run_program

__all__ = ["UNKNOWN", "EmulatorMocks", "ProgramRun", "Registered", "run_program"]
