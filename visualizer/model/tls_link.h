// The link between what the network saw of a --tls-cert connection (its
// `tls_record` events) and what the relay saw (the http/frame/raw units):
// each application-data record names the plaintext bytes it carried
// ([plain_offset, +plain_len) in its direction's plaintext stream, where the
// units' `offset`s live; docs/mirror-protocol.md), so a unit's records are
// the ones whose range overlaps the unit's bytes. GL-free.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "model/model.h"

namespace viz {

// A unit's bytes in its direction's plaintext stream: [begin, end).
struct PlainSpan {
  std::uint64_t conn = 0;
  wire::Direction dir = wire::Direction::c2s;
  std::uint64_t begin = 0, end = 0;
};
std::optional<PlainSpan> plain_span(const Entry& e);   // http, frame, raw; nullopt for other kinds

// The records that carried the unit at `unit_index`, oldest first (indices
// into the model). Records come close to their unit in the log (c2s before
// it, s2c around it), so only `window` entries each side are searched.
std::vector<std::size_t> records_carrying(const Model& m, std::size_t unit_index, std::size_t window = 4096);

// The first unit a record carried bytes of (a record selected by stepping
// through a replay shows its unit), searched `window` entries each side.
std::optional<std::size_t> unit_carried_by(const Model& m, std::size_t record_index, std::size_t window = 4096);

// What scene 6 shows when nothing is selected: the newest text frame (else
// http message) on a wss:// / https:// connection (`open` said "tls").
std::optional<std::size_t> default_tls_unit(const Model& m);

// One connection's records so far: what a network observer could count.
struct TlsTotals {
  std::uint64_t records = 0;        // each record counted, summaries by their `count`
  std::uint64_t wire_bytes = 0;     // headers (5 each) + bodies
  std::uint64_t handshake_records = 0;
  std::uint64_t plain_bytes = 0;    // what the application-data records carried
};
TlsTotals tls_totals(const Model& m, std::uint64_t conn);

}  // namespace viz
