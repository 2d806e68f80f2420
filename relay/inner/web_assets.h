// relay::web: the files of relay/web/, embedded in the binary at build time
// (embed_web.cmake generates web_assets.cpp), so the relay serves / and
// /static/... without the source tree.
#pragma once

#include <cstddef>
#include <string_view>

namespace relay::web {

struct Asset {
  std::string_view name;           // "index.html", "app.js"
  std::string_view content_type;   // "text/html; charset=utf-8"
  const unsigned char* data;
  std::size_t size;
};

// The asset with this file name, or nullptr.
const Asset* find_asset(std::string_view name);

}  // namespace relay::web
