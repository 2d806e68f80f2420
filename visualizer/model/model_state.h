// The model's private decoding state, shared by model.cpp (ingest,
// connections, eviction) and model_derive.cpp (permessage-deflate and
// long-poll sessions). Not for scenes: they read model.h only.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model/model.h"
#include "wire/deflate.h"
#include "wire/engineio_upgrade.h"

namespace viz {

// Per connection and direction: which message a continuation frame belongs
// to, and the open HTTP requests waiting for their responses (RFC 9112 9.3).
struct Model::DeriveConn {
  wire::Opcode message_opcode[2] = {wire::Opcode::text, wire::Opcode::text};
  std::deque<std::uint64_t> open_requests;   // seqs of requests without a response yet
  std::optional<std::uint64_t> last_frame_seq;
  // permessage-deflate (RFC 7692): one inflater per direction, window kept
  // across messages; a compressed message's fragments are joined first.
  bool deflate_ready = false;
  std::optional<wire::PerMessageInflater> inflater[2];
  wire::Bytes compressed[2];
  bool in_compressed[2] = {false, false};
};

struct Model::Derive {

  std::map<std::uint64_t, DeriveConn> conns;
  // Long-poll: one stranger uses several connections (open, send, recv), tied
  // together by the session id in the /poll/open answer and in ?session=.
  struct Session {
    std::string stranger;                      // "" until one of its connections learns it
    std::vector<std::uint64_t> unnamed;        // its connections waiting for the name (bounded)
    std::size_t refs = 0;                      // connections that point here (forgotten with the last)
  };
  std::map<std::string, Session> sessions;
  std::map<std::uint64_t, std::string> conn_session;     // connection -> its last long-poll session

  // Engine.IO (a Socket.IO app behind --upstream): a browser's pooled keep-alive
  // connections carry several sessions' requests in turn, and a session may have
  // none open for a while, so its upgrade story is kept by the relay's label for
  // its sid, apart from connections. At most ModelLimits::max_connections
  // sessions: the one seen longest ago is forgotten first.
  struct EngineIoSession {
    wire::engineio::UpgradeTracker tracker;
    std::uint64_t last_seq = 0;
  };
  std::map<std::string, EngineIoSession> engineio_sessions;
  std::map<std::uint64_t, std::string> conn_engineio;    // connection -> the session of its latest request
};

// The string value of a top-level "name" in a small JSON body (the /poll/open
// answer {"session":"..."}); "" when absent. Not a JSON parser: ids are hex.
std::string json_string_field(const wire::Bytes& bytes, const std::string& name);

}  // namespace viz
