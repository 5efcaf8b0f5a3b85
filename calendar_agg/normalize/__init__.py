"""RawEvents -> Events: places, regions, identity and duplicates, changes."""
