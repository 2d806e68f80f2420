// permessage-deflate (RFC 7692) with zlib's raw inflate: one z_stream per
// direction, kept across messages (context takeover) unless negotiated off.
#include "wire/deflate.h"

#include <zlib.h>

#include <charconv>

#include "wire/handshake.h"

namespace wire {

namespace {

// RFC 7692 7.1.2: a window-bits value is 8-15.
std::optional<int> window_bits(const std::optional<std::string>& value) {
  if (!value) return 15;   // client_max_window_bits may come without a value
  int v = 0;
  const auto* end = value->data() + value->size();
  auto [p, ec] = std::from_chars(value->data(), end, v);
  if (ec != std::errc() || p != end || v < 8 || v > 15) return std::nullopt;
  return v;
}

}  // namespace

Result<std::optional<PerMessageDeflateParams>> parse_permessage_deflate(std::string_view extensions) {
  if (extensions.empty()) return std::optional<PerMessageDeflateParams>{};
  auto list = parse_extension_list(extensions);
  if (!list) return list.error();
  for (const auto& ext : *list) {
    if (ext.name != "permessage-deflate") continue;
    PerMessageDeflateParams p;
    for (const auto& param : ext.params) {
      if (param.name == "server_no_context_takeover") p.server_no_context_takeover = true;
      else if (param.name == "client_no_context_takeover") p.client_no_context_takeover = true;
      else if (param.name == "server_max_window_bits" || param.name == "client_max_window_bits") {
        const auto bits = window_bits(param.value);
        if (!bits) return Error{"RFC 7692 7.1.2", param.name + " must be a number from 8 to 15", 0};
        (param.name[0] == 's' ? p.server_max_window_bits : p.client_max_window_bits) = *bits;
      } else {
        // RFC 7692 7.1: an unknown parameter makes the offer/response invalid.
        return Error{"RFC 7692 7.1", "unknown permessage-deflate parameter \"" + param.name + "\"", 0};
      }
    }
    return std::optional<PerMessageDeflateParams>{p};
  }
  return std::optional<PerMessageDeflateParams>{};
}

// Owns one raw-inflate z_stream (RFC 1951 data without a zlib header).
struct PerMessageInflater::Impl {
  z_stream zs{};
  bool ready = false;
  bool no_context_takeover = false;
  std::size_t max_message = 0;

  Impl(bool nct, std::size_t max) : no_context_takeover(nct), max_message(max) {
    // -15: raw DEFLATE, 32 KiB window; it inflates data made with any smaller window too.
    ready = inflateInit2(&zs, -15) == Z_OK;
  }
  ~Impl() {
    if (ready) inflateEnd(&zs);
  }
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;
};

PerMessageInflater::PerMessageInflater(bool no_context_takeover, std::size_t max_message_size)
    : impl_(std::make_unique<Impl>(no_context_takeover, max_message_size)) {}
PerMessageInflater::~PerMessageInflater() = default;
PerMessageInflater::PerMessageInflater(PerMessageInflater&&) noexcept = default;
PerMessageInflater& PerMessageInflater::operator=(PerMessageInflater&&) noexcept = default;

PerMessageInflater PerMessageInflater::for_direction(const PerMessageDeflateParams& params, Direction dir,
                                                     std::size_t max_message_size) {
  return PerMessageInflater(dir == Direction::c2s ? params.client_no_context_takeover
                                                  : params.server_no_context_takeover,
                            max_message_size);
}

void PerMessageInflater::reset() {
  if (impl_->ready) inflateReset(&impl_->zs);
}

Result<Bytes> PerMessageInflater::inflate_message(std::span<const std::uint8_t> compressed) {
  Impl& d = *impl_;
  if (!d.ready) return Error{"zlib", "inflateInit2 failed", 0};
  // RFC 7692 7.2.2: append 0x00 0x00 0xff 0xff to the payload, then inflate.
  Bytes input(compressed.begin(), compressed.end());
  input.insert(input.end(), {std::uint8_t{0x00}, std::uint8_t{0x00}, std::uint8_t{0xff}, std::uint8_t{0xff}});
  d.zs.next_in = input.data();
  d.zs.avail_in = static_cast<uInt>(input.size());
  Bytes out;
  std::uint8_t chunk[16384];
  while (true) {
    d.zs.next_out = chunk;
    d.zs.avail_out = sizeof chunk;
    const int rc = inflate(&d.zs, Z_SYNC_FLUSH);
    const std::size_t produced = sizeof chunk - d.zs.avail_out;
    if (rc == Z_DATA_ERROR || rc == Z_NEED_DICT || rc == Z_MEM_ERROR || rc == Z_STREAM_ERROR) {
      const auto at = static_cast<std::size_t>(input.size() - d.zs.avail_in);
      reset();
      return Error{"RFC 7692 7.2.2", std::string("not valid DEFLATE data: ") + (d.zs.msg ? d.zs.msg : "inflate failed"),
                   at};
    }
    if (out.size() + produced > d.max_message) {
      reset();
      return Error{"RFC 7692 8.1", "the message inflates to more than " + std::to_string(d.max_message) +
                                       " bytes (the limit); inflation stopped",
                   0};
    }
    out.insert(out.end(), chunk, chunk + produced);
    if (rc == Z_STREAM_END) {
      // A block with BFINAL set ends the DEFLATE stream; the next message starts a new one.
      inflateReset(&d.zs);
      break;
    }
    if (d.zs.avail_in == 0 && d.zs.avail_out != 0) break;   // all input used, all output flushed
    if (rc == Z_BUF_ERROR && d.zs.avail_out != 0) break;      // no progress possible: input ended
  }
  // RFC 7692 7.1.1: without context takeover each message starts from an empty window.
  if (d.no_context_takeover) reset();
  return out;
}

}  // namespace wire
