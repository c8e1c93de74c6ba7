{
  "targets": [
    {
      "target_name": "micgate_capture",
      "sources": ["native/addon.cc"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS", "<!@(node native/portaudio-flags.mjs defines)"],
      "cflags_cc": ["-std=c++17", "-O2", "-Wall", "-Wextra", "<!@(node native/portaudio-flags.mjs cflags)"],
      "libraries": ["<!@(node native/portaudio-flags.mjs libs)"]
    }
  ]
}
