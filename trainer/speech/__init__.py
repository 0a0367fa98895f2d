"""Speech in: audio, the microphone, recognizers, transcripts and delivery metrics."""
