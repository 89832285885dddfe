# render messages (fr). Every id must exist in both languages.
