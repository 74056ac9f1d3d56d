#include "build_info.hpp"

#define CARTRIDGE_STR2(x) #x
#define CARTRIDGE_STR(x) CARTRIDGE_STR2(x)

namespace cartridge {
BuildInfo build_info() {
  return BuildInfo{
      "0.1.0",
      CARTRIDGE_BUILD_TYPE,
#if defined(__clang__)
      "clang " __clang_version__,
#elif defined(__GNUC__)
      "gcc " CARTRIDGE_STR(__GNUC__) "." CARTRIDGE_STR(__GNUC_MINOR__) "." CARTRIDGE_STR(__GNUC_PATCHLEVEL__),
#else
      "unknown",
#endif
      CARTRIDGE_SANITIZED != 0,
      static_cast<int>(__cplusplus / 100),
  };
}
}  // namespace cartridge
