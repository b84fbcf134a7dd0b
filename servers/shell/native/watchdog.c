// The group watchdog: a tiny process that ends the shell server's commands when the server dies.
//
// Commands started by the spawn addon (spawn.c) lead process groups of their own, so nothing in
// the kernel ends them, or what they started, when the server is killed outright (SIGKILL, OOM).
// This process holds the read end of a pipe from the server. The server writes one line per
// group it starts and one per group that ended:
//
//   {"op":"watch","pgid":123}
//   {"op":"unwatch","pgid":123}
//
// (the same lines the Node spawn helper takes, see src/process/spawn-frames.ts). When the pipe
// reports end of file, the server is gone (the kernel closes its end however it died), and every
// group still watched gets SIGKILL. It replaces a Node process of about 40 MB doing the same job
// with one of about 1 MB.
//
// Invariants:
// - It never writes to stdout, and to stderr only about lines it cannot read.
// - It ignores the signals a terminal sends to a whole foreground group (SIGINT, SIGQUIT, SIGHUP,
//   SIGTSTP) and SIGTERM: a server stopped that way still has its commands ended, by itself or,
//   if it dies first, by this process when the pipe closes. SIGKILL still ends it.
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct groups {
  pid_t *ids;
  size_t count;
  size_t capacity;
};

static void watch(struct groups *groups, pid_t pgid) {
  for (size_t index = 0; index < groups->count; index++) {
    if (groups->ids[index] == pgid) return;
  }
  if (groups->count == groups->capacity) {
    size_t capacity = groups->capacity == 0 ? 64 : groups->capacity * 2;
    pid_t *ids = realloc(groups->ids, capacity * sizeof *ids);
    // Out of memory: keep the groups already held; this one is ended by the server itself.
    if (ids == NULL) return;
    groups->ids = ids;
    groups->capacity = capacity;
  }
  groups->ids[groups->count++] = pgid;
}

static void unwatch(struct groups *groups, pid_t pgid) {
  for (size_t index = 0; index < groups->count; index++) {
    if (groups->ids[index] == pgid) {
      groups->ids[index] = groups->ids[--groups->count];
      return;
    }
  }
}

/** Reads the integer after `key` in `line`; 0 when it is missing or not a positive pid. */
static pid_t field(const char *line, const char *key) {
  const char *at = strstr(line, key);
  if (at == NULL) return 0;
  char *end = NULL;
  errno = 0;
  long value = strtol(at + strlen(key), &end, 10);
  if (errno != 0 || end == at + strlen(key) || value <= 1 || value > 0x3fffffff) return 0;
  return (pid_t)value;
}

static void handle(struct groups *groups, const char *line) {
  pid_t pgid = field(line, "\"pgid\":");
  if (pgid != 0 && strstr(line, "\"op\":\"watch\"") != NULL) {
    watch(groups, pgid);
  } else if (pgid != 0 && strstr(line, "\"op\":\"unwatch\"") != NULL) {
    unwatch(groups, pgid);
  } else {
    fprintf(stderr, "meshwork-watchdog: ignored a line it cannot read: %.80s\n", line);
  }
}

int main(void) {
  signal(SIGINT, SIG_IGN);
  signal(SIGQUIT, SIG_IGN);
  signal(SIGHUP, SIG_IGN);
  signal(SIGTSTP, SIG_IGN);
  signal(SIGTERM, SIG_IGN);
  signal(SIGPIPE, SIG_IGN);

  struct groups groups = {0};
  char line[256];
  size_t length = 0;
  int discarding = 0;
  char chunk[4096];
  for (;;) {
    ssize_t count = read(STDIN_FILENO, chunk, sizeof chunk);
    if (count < 0 && errno == EINTR) continue;
    if (count <= 0) break;
    for (ssize_t index = 0; index < count; index++) {
      char byte = chunk[index];
      if (byte == '\n') {
        line[length] = '\0';
        if (!discarding && length > 0) handle(&groups, line);
        length = 0;
        discarding = 0;
      } else if (length + 1 < sizeof line) {
        line[length++] = byte;
      } else if (!discarding) {
        // No line the server sends is this long; drop it whole rather than read half of it.
        discarding = 1;
        line[length] = '\0';
        fprintf(stderr, "meshwork-watchdog: ignored an overlong line: %.80s\n", line);
      }
    }
  }
  for (size_t index = 0; index < groups.count; index++) kill(-groups.ids[index], SIGKILL);
  return 0;
}
