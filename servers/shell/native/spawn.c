/*
 * meshwork_spawn: starts a command with clone(CLONE_VM | CLONE_VFORK) and execve, as the leader of
 * a new session (so of a new process group), and reports its exit from a waiter thread.
 *
 * Why: Node starts children with fork() + exec(), and fork() copies the page tables of the whole
 * parent, so its cost grows with the server's memory (about 1 ms here). clone(CLONE_VM |
 * CLONE_VFORK) copies nothing, whatever the parent's size: the child runs on its own small stack
 * in the parent's memory, and the parent's thread waits until the child has exec'd or failed.
 *
 * Not posix_spawn, although glibc builds it the same way: its child keeps glibc's two internal
 * signals (SIGCANCEL, SIGSETXID) blocked, and the command would inherit that mask. Here the child
 * sets its mask with the raw system call, so every signal is unblocked, as in libuv's children.
 *
 * The child gets: stdin from a new pipe or /dev/null, stdout and stderr to new pipes, the given
 * cwd, argv and environment, an empty signal mask and every signal at its default disposition (as
 * libuv's children do: Node itself ignores SIGPIPE). Every descriptor the parent opened is
 * close-on-exec, as libuv keeps them, so nothing else leaks into the child.
 *
 * While the child shares the parent's memory, no signal handler of the parent may run in it, so
 * the calling thread blocks every signal before the clone; the child resets every handler to the
 * default before it unblocks them.
 *
 * Only the given pid is ever waited for, so children that libuv started are left to libuv.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <node_api.h>
#include <pthread.h>
#include <signal.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* The kernel's signal set: 64 signals, 8 bytes (glibc's sigset_t is larger). */
#define KERNEL_SIGSET_BYTES (_NSIG / 8)
#define CHILD_STACK_BYTES (64 * 1024)

typedef struct {
  const char *path;
  char **args;
  char **environment;
  const char *cwd;
  int stdin_fd; /* -1: /dev/null */
  int stdout_fd;
  int stderr_fd;
  volatile int error; /* errno of the step that failed in the child, 0 when it exec'd */
} child_args_t;

static int move_fd(int from, int to) {
  if (from == to) {
    /* dup2 would keep close-on-exec set on an fd that is already in place. */
    int flags = fcntl(from, F_GETFD);
    return flags < 0 ? -1 : fcntl(from, F_SETFD, flags & ~FD_CLOEXEC);
  }
  return dup2(from, to) < 0 ? -1 : 0;
}

/*
 * Runs in the child, on its own stack but in the parent's memory: only system calls, no
 * allocation, and a failure is reported through `error` before _exit.
 */
static int child_main(void *argument) {
  child_args_t *child = argument;
  struct sigaction default_action;
  memset(&default_action, 0, sizeof default_action);
  default_action.sa_handler = SIG_DFL;
  for (int signal_number = 1; signal_number < _NSIG; signal_number++) {
    if (signal_number == SIGKILL || signal_number == SIGSTOP) continue;
    /*
     * glibc refuses its two internal signals here (EINVAL). They stay blocked until just before
     * execve, which resets every handler, and nothing can have sent them to this new process.
     */
    sigaction(signal_number, &default_action, NULL);
  }
  if (setsid() < 0) goto fail;
  /*
   * The server registers the group with its watchdog right after this returns; should the server
   * be killed in the microseconds before that, the leader still dies with it. (The watchdog ends
   * the whole group; this covers only the leader, which has had no time to start others.)
   */
  if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0) goto fail;
  if (child->stdin_fd >= 0) {
    if (move_fd(child->stdin_fd, 0) < 0) goto fail;
  } else {
    int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (null_fd < 0 || move_fd(null_fd, 0) < 0) goto fail;
  }
  if (move_fd(child->stdout_fd, 1) < 0 || move_fd(child->stderr_fd, 2) < 0) goto fail;
  if (chdir(child->cwd) < 0) goto fail;
  unsigned long empty = 0;
  if (syscall(SYS_rt_sigprocmask, SIG_SETMASK, &empty, NULL, KERNEL_SIGSET_BYTES) < 0) goto fail;
  execve(child->path, child->args, child->environment);
fail:
  child->error = errno ? errno : EINVAL;
  _exit(127);
}

/* Starts the child; returns its pid, or -errno. */
static pid_t start_child(child_args_t *child) {
  void *stack = mmap(NULL, CHILD_STACK_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK,
                     -1, 0);
  if (stack == MAP_FAILED) return -errno;
  unsigned long all = ~0UL, previous = 0;
  syscall(SYS_rt_sigprocmask, SIG_SETMASK, &all, &previous, KERNEL_SIGSET_BYTES);
  int saved_errno = errno;
  child->error = 0;
  pid_t pid = clone(child_main, (char *)stack + CHILD_STACK_BYTES, CLONE_VM | CLONE_VFORK | SIGCHLD, child);
  int clone_errno = errno;
  syscall(SYS_rt_sigprocmask, SIG_SETMASK, &previous, NULL, KERNEL_SIGSET_BYTES);
  errno = saved_errno;
  munmap(stack, CHILD_STACK_BYTES);
  if (pid < 0) return -clone_errno;
  if (child->error != 0) {
    /* The child failed before exec and has exited: reap it here, nobody else knows it. */
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return -child->error;
  }
  return pid;
}

#define CHECK(call)                                                                                \
  do {                                                                                             \
    if ((call) != napi_ok) {                                                                       \
      napi_throw_error(env, "EINVAL", "meshwork_spawn: bad arguments");                            \
      goto fail;                                                                                   \
    }                                                                                              \
  } while (0)

typedef struct {
  pid_t pid;
  napi_threadsafe_function on_exit;
} waiter_t;

typedef struct {
  int status;
} exit_t;

static void free_strings(char **strings) {
  if (!strings) return;
  for (char **each = strings; *each; each++) free(*each);
  free(strings);
}

/* A NULL-terminated copy of a JS array of strings, or NULL (with an exception pending). */
static char **copy_strings(napi_env env, napi_value array) {
  uint32_t length = 0;
  if (napi_get_array_length(env, array, &length) != napi_ok) return NULL;
  char **strings = calloc((size_t)length + 1, sizeof(char *));
  if (!strings) return NULL;
  for (uint32_t index = 0; index < length; index++) {
    napi_value item;
    size_t size = 0;
    if (napi_get_element(env, array, index, &item) != napi_ok ||
        napi_get_value_string_utf8(env, item, NULL, 0, &size) != napi_ok) {
      free_strings(strings);
      return NULL;
    }
    strings[index] = malloc(size + 1);
    if (!strings[index] ||
        napi_get_value_string_utf8(env, item, strings[index], size + 1, &size) != napi_ok ||
        strlen(strings[index]) != size) {
      /* An embedded NUL would silently shorten the word: refuse instead. */
      free_strings(strings);
      return NULL;
    }
  }
  return strings;
}

static char *copy_string(napi_env env, napi_value value) {
  size_t size = 0;
  if (napi_get_value_string_utf8(env, value, NULL, 0, &size) != napi_ok) return NULL;
  char *text = malloc(size + 1);
  if (!text || napi_get_value_string_utf8(env, value, text, size + 1, &size) != napi_ok ||
      strlen(text) != size) {
    free(text);
    return NULL;
  }
  return text;
}

static void *wait_for_exit(void *argument) {
  waiter_t *waiter = argument;
  int status = 0;
  pid_t result;
  do {
    result = waitpid(waiter->pid, &status, 0);
  } while (result < 0 && errno == EINTR);
  exit_t *exit_info = malloc(sizeof *exit_info);
  if (exit_info) {
    /* ECHILD (someone else reaped it) reads as a plain exit 0; it cannot happen in this server. */
    exit_info->status = result < 0 ? 0 : status;
    napi_call_threadsafe_function(waiter->on_exit, exit_info, napi_tsfn_blocking);
  }
  napi_release_threadsafe_function(waiter->on_exit, napi_tsfn_release);
  free(waiter);
  return NULL;
}

/* Runs on the JS thread: onExit(code, signalNumber). */
static void deliver_exit(napi_env env, napi_value callback, void *context, void *data) {
  (void)context;
  exit_t *exit_info = data;
  int status = exit_info->status;
  free(exit_info);
  if (!env || !callback) return;
  napi_value args[2];
  if (WIFSIGNALED(status)) {
    napi_get_null(env, &args[0]);
    napi_create_int32(env, WTERMSIG(status), &args[1]);
  } else {
    napi_create_int32(env, WEXITSTATUS(status), &args[0]);
    napi_get_null(env, &args[1]);
  }
  napi_value global;
  napi_get_global(env, &global);
  napi_call_function(env, global, callback, 2, args, NULL);
}

static void throw_errno(napi_env env, int error) {
  const char *code = error == ENOENT   ? "ENOENT"
                     : error == EACCES ? "EACCES"
                     : error == ENOEXEC ? "ENOEXEC"
                     : error == ENOTDIR ? "ENOTDIR"
                     : error == E2BIG  ? "E2BIG"
                     : error == ENOMEM ? "ENOMEM"
                     : error == EAGAIN ? "EAGAIN"
                                       : "ESPAWN";
  napi_throw_error(env, code, strerror(error));
}

/*
 * spawn(path, argv, env, cwd, withStdin, onExit) -> [pid, stdinFd | -1, stdoutFd, stderrFd]
 * `path` is already resolved (no PATH search here). Throws an Error whose code is the errno name
 * when the command cannot be started.
 */
static napi_value Spawn(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  char *path = NULL, *cwd = NULL;
  char **args = NULL, **environment = NULL;
  int in[2] = {-1, -1}, out[2] = {-1, -1}, err[2] = {-1, -1};
  bool with_stdin = false;
  napi_value result = NULL;

  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 6) {
    napi_throw_error(env, "EINVAL", "meshwork_spawn: spawn takes 6 arguments");
    return NULL;
  }
  path = copy_string(env, argv[0]);
  args = copy_strings(env, argv[1]);
  environment = copy_strings(env, argv[2]);
  cwd = copy_string(env, argv[3]);
  CHECK(napi_get_value_bool(env, argv[4], &with_stdin));
  if (!path || !args || !args[0] || !environment || !cwd) {
    napi_throw_error(env, "EINVAL", "meshwork_spawn: a string is missing or holds a NUL byte");
    goto fail;
  }
  if ((with_stdin && pipe2(in, O_CLOEXEC) != 0) || pipe2(out, O_CLOEXEC) != 0 ||
      pipe2(err, O_CLOEXEC) != 0) {
    throw_errno(env, errno);
    goto fail;
  }

  child_args_t child = {
      .path = path,
      .args = args,
      .environment = environment,
      .cwd = cwd,
      .stdin_fd = with_stdin ? in[0] : -1,
      .stdout_fd = out[1],
      .stderr_fd = err[1],
  };
  pid_t pid = start_child(&child);
  if (pid < 0) {
    throw_errno(env, (int)-pid);
    goto fail;
  }
  /* The child has its copies; the parent keeps only its own ends. */
  if (with_stdin) close(in[0]), in[0] = -1;
  close(out[1]), out[1] = -1;
  close(err[1]), err[1] = -1;

  waiter_t *waiter = malloc(sizeof *waiter);
  napi_value name;
  pthread_t thread;
  pthread_attr_t thread_attributes;
  if (!waiter) abort(); /* the child runs: without a waiter it could never be reported */
  waiter->pid = pid;
  if (napi_create_string_utf8(env, "meshwork_spawn exit", NAPI_AUTO_LENGTH, &name) != napi_ok ||
      napi_create_threadsafe_function(env, argv[5], NULL, name, 0, 1, NULL, NULL, NULL, deliver_exit,
                                      &waiter->on_exit) != napi_ok) {
    abort();
  }
  pthread_attr_init(&thread_attributes);
  pthread_attr_setdetachstate(&thread_attributes, PTHREAD_CREATE_DETACHED);
  pthread_attr_setstacksize(&thread_attributes, 64 * 1024);
  if (pthread_create(&thread, &thread_attributes, wait_for_exit, waiter) != 0) abort();
  pthread_attr_destroy(&thread_attributes);

  napi_value value;
  napi_create_array_with_length(env, 4, &result);
  napi_create_int32(env, pid, &value);
  napi_set_element(env, result, 0, value);
  napi_create_int32(env, with_stdin ? in[1] : -1, &value);
  napi_set_element(env, result, 1, value);
  napi_create_int32(env, out[0], &value);
  napi_set_element(env, result, 2, value);
  napi_create_int32(env, err[0], &value);
  napi_set_element(env, result, 3, value);
  free(path);
  free(cwd);
  free_strings(args);
  free_strings(environment);
  return result;

fail:
  for (int index = 0; index < 2; index++) {
    if (in[index] >= 0) close(in[index]);
    if (out[index] >= 0) close(out[index]);
    if (err[index] >= 0) close(err[index]);
  }
  free(path);
  free(cwd);
  free_strings(args);
  free_strings(environment);
  return NULL;
}

static napi_value Init(napi_env env, napi_value exports) {
  napi_value spawn;
  if (napi_create_function(env, "spawn", NAPI_AUTO_LENGTH, Spawn, NULL, &spawn) == napi_ok)
    napi_set_named_property(env, exports, "spawn", spawn);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
