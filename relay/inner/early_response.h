// A complete HTTP/1.1 response written before libwebsockets has set up its
// own reply path (HTTP_CONFIRM_UPGRADE: lws would still say HTTP/1.0 there).
// Used for 404 / 403 / 503 answers to upgrade requests; the RFC 6455 400/426
// answers come from wire::build_rejection_response.
#pragma once

#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/core.h>
#include <libwebsockets.h>

namespace relay {

inline int write_early_response(lws* wsi, int status, std::string_view phrase, std::string_view json_body) {
  const std::string text = fmt::format(
      "HTTP/1.1 {} {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}",
      status, phrase, json_body.size(), json_body);
  std::vector<unsigned char> buf(LWS_PRE + text.size());
  std::memcpy(buf.data() + LWS_PRE, text.data(), text.size());
  return lws_write(wsi, buf.data() + LWS_PRE, text.size(), LWS_WRITE_HTTP_HEADERS) < 0 ? -1 : 0;
}

}  // namespace relay
