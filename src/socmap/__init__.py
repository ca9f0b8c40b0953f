"""socmap: map, score and manage serious and organised crime threats."""
