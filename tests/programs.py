"""The suite runs Pulumi programs with the package's own runner (`pulumi_mms.testing.programs`)."""

from pulumi_mms.testing.programs import UNKNOWN, EmulatorMocks, ProgramRun, Registered, run_program


class RecordingMocks(EmulatorMocks):
    """Records and echoes every resource; a subclass answers the ones it cares about."""

    live = False


__all__ = ["UNKNOWN", "EmulatorMocks", "ProgramRun", "RecordingMocks", "Registered", "run_program"]
