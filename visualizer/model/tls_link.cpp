// Records <-> units by plaintext byte ranges (see tls_link.h).
#include "model/tls_link.h"

#include <algorithm>
#include <string_view>

#include "wire/tls_record.h"

namespace viz {
namespace {

// An HTTP message's length on the wire: its head (up to the empty line) and body_len.
std::uint64_t http_wire_len(const wire::Http& h) {
  const std::string_view bytes(reinterpret_cast<const char*>(h.bytes.data()), h.bytes.size());
  const std::size_t head_end = bytes.find("\r\n\r\n");
  if (head_end == std::string_view::npos) return h.bytes.size();
  return head_end + 4 + h.body_len;
}

bool overlaps(const wire::TlsRecord& r, const PlainSpan& s) {
  if (!r.plain_offset || r.conn != s.conn || r.dir != s.dir || r.plain_len == 0) return false;
  return *r.plain_offset < s.end && s.begin < *r.plain_offset + r.plain_len;
}

}  // namespace

std::optional<PlainSpan> plain_span(const Entry& e) {
  if (const auto* f = e.frame()) return PlainSpan{f->conn, f->dir, f->offset, f->offset + f->header.size() + f->payload_len};
  if (const auto* h = e.http()) return PlainSpan{h->conn, h->dir, h->offset, h->offset + http_wire_len(*h)};
  if (const auto* r = std::get_if<wire::Raw>(&e.event.body)) return PlainSpan{r->conn, r->dir, r->offset, r->offset + r->bytes.size()};
  return std::nullopt;
}

std::vector<std::size_t> records_carrying(const Model& m, std::size_t unit_index, std::size_t window) {
  std::vector<std::size_t> out;
  if (unit_index >= m.size()) return out;
  const auto span = plain_span(m.at(unit_index));
  if (!span) return out;
  const std::size_t from = unit_index > window ? unit_index - window : 0;
  const std::size_t to = std::min(m.size(), unit_index + window + 1);
  for (std::size_t i = from; i < to; ++i) {
    const auto* r = m.at(i).tls_record();
    if (r && overlaps(*r, *span)) out.push_back(i);
  }
  return out;
}

std::optional<std::size_t> unit_carried_by(const Model& m, std::size_t record_index, std::size_t window) {
  if (record_index >= m.size()) return std::nullopt;
  const auto* r = m.at(record_index).tls_record();
  if (r == nullptr) return std::nullopt;
  const std::size_t from = record_index > window ? record_index - window : 0;
  const std::size_t to = std::min(m.size(), record_index + window + 1);
  std::optional<std::size_t> first;
  for (std::size_t i = from; i < to; ++i) {
    const auto span = plain_span(m.at(i));
    if (span && overlaps(*r, *span) && (!first || span->begin < plain_span(m.at(*first))->begin)) first = i;
  }
  return first;
}

std::optional<std::size_t> default_tls_unit(const Model& m) {
  std::optional<std::size_t> http;
  for (std::size_t i = m.size(); i-- > 0;) {
    const Entry& e = m.at(i);
    if (e.kind != UnitKind::text && (http || e.kind != UnitKind::http)) continue;
    const ConnView* cv = m.conn(e.conn);
    if (cv == nullptr || cv->transport != wire::Transport::tls) continue;
    if (e.kind == UnitKind::text) return i;
    http = i;
  }
  return http;
}

TlsTotals tls_totals(const Model& m, std::uint64_t conn) {
  TlsTotals t;
  for (std::size_t i = 0; i < m.size(); ++i) {
    const auto* r = m.at(i).tls_record();
    if (!r || r->conn != conn) continue;
    t.records += r->count;
    t.wire_bytes += wire::TlsRecordReader::kHeaderLen * r->count + r->length;
    if (r->content_type == static_cast<std::uint8_t>(wire::TlsContentType::handshake)) t.handshake_records += r->count;
    t.plain_bytes += r->plain_len;
  }
  return t;
}

}  // namespace viz
