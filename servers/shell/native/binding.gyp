{
  "targets": [
    {
      "target_name": "meshwork_spawn",
      "sources": ["spawn.c"],
      "cflags": ["-std=gnu11", "-Wall", "-Wextra"]
    }
  ]
}
