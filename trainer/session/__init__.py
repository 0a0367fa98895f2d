"""The session: the interviewer's voice and lines, the candidate's turns, the mock close, the demo and the drill."""
