{
  "targets": [
    {
      "target_name": "meshwork_spawn",
      "sources": ["spawn.c"],
      "cflags": ["-std=gnu11", "-Wall", "-Wextra"]
    },
    {
      "target_name": "meshwork_watchdog",
      "type": "executable",
      "sources": ["watchdog.c"],
      "cflags": ["-std=gnu11", "-Wall", "-Wextra", "-O2"]
    }
  ]
}
