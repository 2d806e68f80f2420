// main.cpp: your lab 8 server as a program (your Strangers over WebSocket and long-polling, keepalive,
// shutdown), for trying it with the browser client, curl and python. The grader never compiles a file
// called main.cpp; it runs run_survive_server itself.
//   survive [--refuse-upgrades] [PORT [WEB_DIR]]
//     listens on 127.0.0.1:PORT (default 9001; 0 picks a free port) until Ctrl-C or SIGTERM (then your
//     server's shutdown: 1001 to every WebSocket, held recvs answered), serving the browser client's files
//     from WEB_DIR (default: web, the pack's copy). --refuse-upgrades answers every WebSocket upgrade 403,
//     as a proxy that blocks WebSockets would: the browser client falls back to long-polling.
#include "strangers.h"
#include "survive.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>

int main(int argc, char** argv) {
  ws::SurviveOptions options;
  int arg = 1;
  if (arg < argc && std::strcmp(argv[arg], "--refuse-upgrades") == 0) {
    options.refuse_upgrades = true;
    ++arg;
  }
  int port = arg < argc ? std::atoi(argv[arg]) : 9001;
  options.poll.chat.web_dir = arg + 1 < argc ? argv[arg + 1] : "web";
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), len) != 0 || listen(fd, 128) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    std::perror("survive: bind/listen on 127.0.0.1");
    return 1;
  }
  // Ctrl-C and SIGTERM are taken by sigwait below (no signal handler), then the server is told to stop.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  ws::Strangers logic;
  std::atomic<bool> stop{false};
  std::thread server([&] { ws::run_survive_server(fd, stop, logic, options); });
  std::printf("survive: listening on http://127.0.0.1:%d/%s\n", ntohs(addr.sin_port),
              options.refuse_upgrades ? " (refusing WebSocket upgrades)" : "");
  std::fflush(stdout);
  int sig = 0;
  sigwait(&signals, &sig);
  stop = true;
  server.join();  // your shutdown: it must return within 2 s
  close(fd);
  return 0;
}
