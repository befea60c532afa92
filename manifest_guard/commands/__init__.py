"""One module per command: each builds its argument parser and runs with the parsed arguments."""
