// main.cpp: your chat server as a program, for trying it with the browser client and python websockets.
// The grader never compiles a file called main.cpp; it runs run_chat_server itself.
//   chat [PORT [WEB_DIR]]   listens on 127.0.0.1:PORT (default 9001; 0 picks a free port) until Ctrl-C,
//                           serving the browser client's files from WEB_DIR (default: web, the pack's copy)
// Lab 6 builds this same file with -DWIRELAB_STRANGERS: then the chat is your Strangers, not your Hub.
#include "chat.h"
#ifdef WIRELAB_STRANGERS
#include "strangers.h"
#endif

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <thread>

int main(int argc, char** argv) {
  int port = argc > 1 ? std::atoi(argv[1]) : 9001;
  ws::ServerOptions options;
  options.web_dir = argc > 2 ? argv[2] : "web";
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
    std::perror("chat: bind/listen on 127.0.0.1");
    return 1;
  }
  // Ctrl-C and kill are taken by sigwait below (no signal handler), then the server is told to stop.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

#ifdef WIRELAB_STRANGERS
  ws::Strangers logic;
#else
  ws::Hub logic;
#endif
  std::atomic<bool> stop{false};
  std::thread server([&] { ws::run_chat_server(fd, stop, logic, options); });
  std::printf("chat: listening on http://127.0.0.1:%d/\n", ntohs(addr.sin_port));
  std::fflush(stdout);
  int sig = 0;
  sigwait(&signals, &sig);
  stop = true;
  server.join();
  close(fd);
  return 0;
}
