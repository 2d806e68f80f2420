// A main() for builds without libFuzzer (GCC, ASan): runs a fuzz target once
// on every file of the seed corpus directories given, so every build checks
// the seeds. Fails when a directory holds no file.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s CORPUS_DIR...\n", argv[0]);
    return 2;
  }
  for (int a = 1; a < argc; ++a) {
    std::size_t runs = 0;
    for (const auto& entry : std::filesystem::directory_iterator(argv[a])) {
      if (!entry.is_regular_file()) continue;
      std::ifstream in(entry.path(), std::ios::binary);
      const std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      std::vector<std::uint8_t> data(bytes.begin(), bytes.end());
      LLVMFuzzerTestOneInput(data.data(), data.size());
      ++runs;
      std::printf("ok %s (%zu bytes)\n", entry.path().filename().c_str(), data.size());
    }
    if (runs == 0) {
      std::fprintf(stderr, "no seed files in %s\n", argv[a]);
      return 1;
    }
  }
  return 0;
}
