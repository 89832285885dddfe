# cli messages (en). Every id must exist in both languages.

build-done = Built { $pages } pages in { $millis } ms.
