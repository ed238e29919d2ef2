"""Reading files into Documents and Chunks."""
