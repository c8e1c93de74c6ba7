{
  "targets": [
    {
      "target_name": "micgate_capture",
      "sources": ["native/addon.cc"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": [
        "NAPI_VERSION=8",
        "NAPI_DISABLE_CPP_EXCEPTIONS",
        "<!(pkg-config --exists alsa && echo MICGATE_HAVE_ALSA=1 || echo MICGATE_NO_ALSA=1)"
      ],
      "cflags_cc": ["-std=c++17", "-O2", "-Wall", "-Wextra", "<!@(pkg-config --cflags portaudio-2.0)"],
      "libraries": [
        "<!@(pkg-config --libs portaudio-2.0)",
        "<!@(pkg-config --exists alsa && pkg-config --libs alsa || true)"
      ]
    }
  ]
}
