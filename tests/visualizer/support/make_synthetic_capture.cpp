// viz-synthetic-capture OUT.jsonl: writes the synthetic test capture (support/synthetic_capture.h).
#include <cstdio>

#include "synthetic_capture.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: viz-synthetic-capture OUT.jsonl\n");
    return 2;
  }
  if (!viz::testing::write_synthetic_capture(argv[1])) {
    std::fprintf(stderr, "viz-synthetic-capture: cannot write %s\n", argv[1]);
    return 1;
  }
  return 0;
}
