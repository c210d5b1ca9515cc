# Shared settings for cnn4j's own native kernels.
#
# The kernels are built for baseline x86-64 and carry AVX2 and AVX-512
# variants chosen at run time (native/src/isa.h), so a jar built here runs on
# any x86-64 Linux machine and still uses the widest vectors the machine has.

function(cnn4j_native_target target)
  set_target_properties(${target} PROPERTIES
    CXX_STANDARD 17
    CXX_STANDARD_REQUIRED ON
    CXX_VISIBILITY_PRESET hidden
    POSITION_INDEPENDENT_CODE ON)
  target_compile_options(${target} PRIVATE -O3 -Wall -Wextra -fno-math-errno)
  # Link the libgomp the dnnl preset bundles (same soname, libgomp.so.1): when
  # dnnl is loaded first, the dynamic linker reuses its copy, so our kernels
  # and oneDNN share one OpenMP runtime and one thread count.
  target_link_libraries(${target} PRIVATE OpenMP::OpenMP_CXX)
  # The JVM loads us by path from JavaCPP's cache; nothing else is needed at run time.
  target_link_options(${target} PRIVATE -static-libstdc++ -static-libgcc -Wl,--as-needed)
endfunction()
