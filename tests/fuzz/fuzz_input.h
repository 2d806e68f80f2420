// How the connection fuzzers read their input: a list of records, each a
// control byte then data. Control bit 7 is the direction (0 c2s, 1 s2c); the
// low 7 bits are the data length (1-127, cut at the end of the input), or 0
// for "this direction ended" (finish). So one input interleaves both
// directions at any chunking, as the relay's tap sees them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "wire/events.h"

namespace wire::fuzz {

struct Record {
  Direction dir = Direction::c2s;
  bool finish = false;
  std::span<const std::uint8_t> bytes;
};

// Calls fn(record) for each record of the input.
template <class Fn>
void for_each_record(const std::uint8_t* data, std::size_t size, Fn&& fn) {
  std::size_t i = 0;
  while (i < size) {
    const std::uint8_t ctl = data[i++];
    Record r;
    r.dir = (ctl & 0x80) ? Direction::s2c : Direction::c2s;
    const std::size_t len = ctl & 0x7F;
    if (len == 0) {
      r.finish = true;
    } else {
      const std::size_t n = len < size - i ? len : size - i;
      r.bytes = std::span<const std::uint8_t>(data + i, n);
      i += n;
    }
    fn(r);
  }
}

}  // namespace wire::fuzz
