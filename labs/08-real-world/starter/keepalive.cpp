// Lab 8, part 1: one WebSocket's keepalive timer (the contract is in ../include/survive.h): a state machine
// on the time your server gives it, with no socket and no clock of its own. It never asks for anything
// until you write it.
#include "survive.h"

namespace ws {

// TODO(lab 8, task 1): the client was heard: it is alive, the quiet period starts again, no ping is outstanding.
void Keepalive::heard([[maybe_unused]] Millis now) {}

// TODO(lab 8, task 1): ping once after ping_after_ms of quiet; hang_up pong_within_ms after that ping if
// nothing was heard since; none otherwise.
KeepaliveAction Keepalive::tick([[maybe_unused]] Millis now) { return KeepaliveAction::none; }

}  // namespace ws
