# render messages (en). Every id must exist in both languages.
