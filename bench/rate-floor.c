// rate-floor: the floor for bench/rate-accuracy.sh, in C. One thread, epoll, C connections at depth 1
// to a stamp server on 127.0.0.1, first as a closed loop, then at a fixed rate: request s leaves at
// start + s / rate on connection s mod C, timed by a timerfd at an absolute time (as tsecho bench's
// event loop is), with latency counted from that intended time. What this program reports at a
// fixed rate is what this machine's timers and wake-ups allow any generator.
//
// usage: rate-floor PORT CONNECTIONS RATE SECONDS    (RATE 0: closed loop)
// Prints one line: requests/s, latency p50/p99 and, at a fixed rate, send lag p50/p99, in µs.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONNS 1024
#define MAX_SAMPLES (1 << 24)

static long now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1000000000L + t.tv_nsec;
}

static int cmp_long(const void *a, const void *b) {
  long x = *(const long *) a, y = *(const long *) b;
  return x < y ? -1 : x > y;
}

static double pct(long *v, long n, double p) {
  if (n == 0) return 0;
  qsort(v, n, sizeof(long), cmp_long);
  return v[(long) (p * (n - 1))] / 1e3;
}

static void die(const char *what) {
  perror(what);
  exit(1);
}

// Per connection: the intended times of its requests in flight, oldest first (a ring).
struct conn {
  int fd;
  long intended[64];
  int head, count;
  char buf[4096];
  int used;
};

static struct conn conns[MAX_CONNS];
static long *latency, *lag;
static long n_latency, n_lag, skipped;
static long measured_from; // requests meant to leave before this are the warm-up's

static void send_request(struct conn *c, long intended, long sent) {
  static const char line[64] = "rate-floor 0123456789 0123456789 0123456789 0123456789 012345\n";
  if (c->count == 64) { // the server is far behind: this request is counted as skipped
    skipped++;
    return;
  }
  if (write(c->fd, line, sizeof line) != (ssize_t) sizeof line) die("write");
  c->intended[(c->head + c->count++) % 64] = intended;
  if (intended >= measured_from && n_lag < MAX_SAMPLES) lag[n_lag++] = sent - intended;
}

// Reads what arrived; each complete line answers the oldest request in flight.
static int read_replies(struct conn *c, long t, int record) {
  ssize_t n = read(c->fd, c->buf + c->used, sizeof c->buf - c->used);
  if (n <= 0) {
    if (n < 0 && errno == EAGAIN) return 0;
    fprintf(stderr, "rate-floor: connection lost\n");
    exit(1);
  }
  c->used += n;
  int replies = 0;
  char *start = c->buf, *end;
  while ((end = memchr(start, '\n', c->buf + c->used - start)) != NULL) {
    if (c->count > 0) {
      if (record && n_latency < MAX_SAMPLES) latency[n_latency++] = t - c->intended[c->head];
      c->head = (c->head + 1) % 64;
      c->count--;
      replies++;
    }
    start = end + 1;
  }
  c->used -= start - c->buf;
  memmove(c->buf, start, c->used);
  return replies;
}

int main(int argc, char **argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: rate-floor PORT CONNECTIONS RATE SECONDS\n");
    return 2;
  }
  int port = atoi(argv[1]), n = atoi(argv[2]);
  double rate = atof(argv[3]), seconds = atof(argv[4]);
  if (n < 1 || n > MAX_CONNS || rate < 0 || rate > 1e8 || seconds <= 0 || seconds > 600) {
    fprintf(stderr, "rate-floor: 1 to %d connections, a rate from 0 to 100000000, 0 to 600 s\n", MAX_CONNS);
    return 2;
  }
  latency = malloc(MAX_SAMPLES * sizeof(long));
  lag = malloc(MAX_SAMPLES * sizeof(long));
  int ep = epoll_create1(0);
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(0x7f000001)};
  for (int i = 0; i < n; i++) {
    int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    if (fd < 0 || connect(fd, (struct sockaddr *) &addr, sizeof addr) < 0) die("connect");
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    conns[i].fd = fd;
    struct epoll_event ev = {.events = EPOLLIN, .data.u32 = i};
    if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0) die("epoll_ctl");
  }
  int timer = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
  struct epoll_event tev = {.events = EPOLLIN, .data.u32 = MAX_CONNS};
  if (timer < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, timer, &tev) < 0) die("timerfd");

  long start = now_ns() + 100000000L, warm = start + 1000000000L, stop = warm + (long) (seconds * 1e9);
  measured_from = warm;
  long period = rate > 0 ? (long) (1e9 / rate) : 0, slot = 0, replies = 0;
  if (rate == 0) {
    for (int i = 0; i < n; i++) send_request(&conns[i], now_ns(), now_ns());
  }
  struct epoll_event events[MAX_CONNS + 1];
  for (;;) {
    long t = now_ns();
    if (t >= stop) break;
    if (rate > 0) { // every slot that is due leaves now; the timer is set for the next one
      long due;
      while ((due = start + slot * period) <= t) {
        send_request(&conns[slot % n], due, t);
        slot++;
      }
      struct itimerspec at = {.it_value = {due / 1000000000L, due % 1000000000L}};
      timerfd_settime(timer, TFD_TIMER_ABSTIME, &at, NULL);
    }
    int ready = epoll_wait(ep, events, MAX_CONNS + 1, 100);
    t = now_ns();
    for (int e = 0; e < ready; e++) {
      uint32_t i = events[e].data.u32;
      if (i == MAX_CONNS) {
        uint64_t expirations;
        (void) !read(timer, &expirations, sizeof expirations);
        continue;
      }
      int got = read_replies(&conns[i], t, t >= warm);
      if (t >= warm) replies += got;
      if (rate == 0) {
        for (int k = 0; k < got; k++) send_request(&conns[i], t, t);
      }
    }
  }
  if (rate == 0) n_lag = 0; // a closed loop sends on each reply: no schedule to be late for
  double secs = seconds;
  printf("%s: %.0f requests/s, latency p50 %.1f p99 %.1f us", rate > 0 ? "fixed rate" : "closed loop",
         replies / secs, pct(latency, n_latency, 0.50), pct(latency, n_latency, 0.99));
  if (rate > 0) {
    printf(", send lag p50 %.1f p99 %.1f us", pct(lag, n_lag, 0.50), pct(lag, n_lag, 0.99));
  }
  printf(skipped ? ", %ld requests skipped\n" : "\n", skipped);
  return 0;
}
