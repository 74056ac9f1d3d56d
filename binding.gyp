{
  "targets": [
    {
      "target_name": "cartridge",
      "sources": [
        "<!@(node scripts/native-sources.js core)",
        "<!@(node scripts/native-sources.js binding)"
      ],
      "include_dirs": ["native", "<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": [
        "NAPI_VERSION=8",
        "NAPI_CPP_EXCEPTIONS",
        "CARTRIDGE_BUILD_TYPE=\"Release\"",
        "CARTRIDGE_SANITIZED=0"
      ],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-std=gnu++17"],
      "cflags_cc": ["-std=c++20", "-O3", "-fexceptions"]
    }
  ]
}
