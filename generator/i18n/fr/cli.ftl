# cli messages (fr). Every id must exist in both languages.
build-done = { $pages } pages générées en { $millis } ms.
