"""Named services: verb_noun() functions that save explicitly and know who acted."""
