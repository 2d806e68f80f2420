// Lab 6: strangers: pairing, skip, limits, transit without storage. The contract of this lab: do not edit
// this file; write the functions in code/strangers.cpp. Your lab 5 server (run_chat_server) runs it, so
// your labs 1-5 are compiled in. Messages as in lab 5's chat.h, plus:
//   client -> server  {"type":"find"}   (and say, typing, leave as in lab 5; there are no rooms here)
//   server -> client  {"type":"welcome","you":LABEL,"limits":{"max_text_bytes":2000,"rate_per_s":10,"burst":20}}
//                     {"type":"waiting"}   {"type":"paired","peer":LABEL}
//                     {"type":"error","code":"not_paired"|"rate_limited"|"too_long"|"bad_message","detail":...}
#pragma once

#include "chat.h"

#include <deque>

namespace ws {

// The numbers a client is told in its welcome, and held to.
struct Limits {
  std::size_t max_text_bytes = 2000;  // a say's text, in UTF-8 bytes: longer is error too_long
  double rate_per_s = 10;             // tokens added per second to each connection's bucket
  double burst = 20;                  // the bucket's size (and what it holds at the start)
};

// A token bucket: starts full (burst tokens), gains rate_per_s tokens a second (never more than burst);
// take() spends one token if there is at least one, else refuses and spends nothing.
class TokenBucket {
 public:
  TokenBucket(double rate_per_s, double burst, Millis now) : rate_(rate_per_s), burst_(burst), tokens_(burst), last_(now) {}
  bool take(Millis now);

 private:
  [[maybe_unused]] double rate_;
  [[maybe_unused]] double burst_;
  [[maybe_unused]] double tokens_;
  [[maybe_unused]] Millis last_;  // when tokens_ was last brought up to date
};

// Lab 6's chat: two strangers at a time.
// - on_open: the welcome, with a fresh label (lab 5's stranger_label) and the limits, to c only.
// - every message from a client first takes a token from its bucket (bad ones too); with none left the
//   answer is error rate_limited and the message is not acted on.
// - find: already waiting: {"type":"waiting"} again, the place in the queue kept. Paired: leave first (the
//   peer gets left). Then, if someone is waiting, the one who has waited longest and c are paired:
//   {"type":"paired","peer":...} to both (to the waiting one first), each with the other's label; else c
//   waits: {"type":"waiting"}. First come, first paired.
// - leave: paired: {"type":"left","who":LABEL} to the peer (who is then alone); waiting: out of the queue.
//   The leaver gets nothing.
// - say TEXT: a non-empty string (else bad_message); longer than max_text_bytes: error too_long; not
//   paired: error not_paired; else {"type":"said","from":LABEL,"text":TEXT} to the peer only.
// - typing ON: to the peer when paired ({"type":"typing","from":LABEL,"on":ON}); ignored otherwise.
// - anything else (join included: no rooms here): error bad_message, and c stays connected.
// - on_close: like leave, and c is forgotten. on_tick: nothing is required.
// The text of a say passes through: it is never stored beyond the Outbox, never logged, never written.
class Strangers final : public ChatLogic {
 public:
  explicit Strangers(Limits limits = {}) : limits_(limits) {}

  Outbox on_open(ConnId c, Millis now) override;
  Outbox on_message(ConnId c, std::string_view text, Millis now) override;
  Outbox on_close(ConnId c, Millis now) override;
  Outbox on_tick(Millis now) override;

 private:
  struct Person {
    std::string label;
    TokenBucket bucket;
    ConnId peer = -1;      // the stranger c is paired with; -1: none
    bool waiting = false;  // in waiting_
  };
  [[maybe_unused]] Limits limits_;
  std::map<ConnId, Person> people_;
  std::deque<ConnId> waiting_;  // who waits for a stranger, longest first
};

}  // namespace ws
