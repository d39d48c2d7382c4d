"""The analysis stage: vote agreement, term trends, semantic similarity, position scaling."""
