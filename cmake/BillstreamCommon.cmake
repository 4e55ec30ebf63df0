# Shared build settings: every target links billstream_common, tests included.
add_library(billstream_common INTERFACE)
target_compile_features(billstream_common INTERFACE cxx_std_23)
target_include_directories(billstream_common INTERFACE
    "${PROJECT_BINARY_DIR}/generated"
    "${PROJECT_SOURCE_DIR}")
target_compile_options(billstream_common INTERFACE
    -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wcast-align -Woverloaded-virtual
    -Wformat=2 -Wimplicit-fallthrough -Wmissing-declarations
    $<$<BOOL:${BILLSTREAM_WERROR}>:-Werror>)
target_compile_definitions(billstream_common INTERFACE
    QT_NO_CAST_FROM_ASCII
    QT_NO_CAST_TO_ASCII
    QT_NO_CAST_FROM_BYTEARRAY
    QT_NO_URL_CAST_FROM_STRING
    QT_NO_NARROWING_CONVERSIONS_IN_CONNECT
    QT_NO_FOREACH
    QT_USE_QSTRINGBUILDER
    QT_STRICT_ITERATORS
    QT_DISABLE_DEPRECATED_UP_TO=0x060400
    $<$<CONFIG:Debug>:_GLIBCXX_ASSERTIONS>)
if(BILLSTREAM_SANITIZE)
    target_compile_options(billstream_common INTERFACE
        -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
    target_link_options(billstream_common INTERFACE -fsanitize=address,undefined)
endif()

# billstream_add_test(NAME tst_foo SOURCES a.cpp LIBRARIES lib… LABELS unit|integration|gui [GUI])
# One executable per test file, registered with CTest, labelled; GUI tests run offscreen.
function(billstream_add_test name)
    cmake_parse_arguments(T "GUI" "TIMEOUT" "SOURCES;LIBRARIES;LABELS;DEPENDS" ${ARGN})
    add_executable(${name} ${T_SOURCES})
    target_link_libraries(${name} PRIVATE billstream_common Qt6::Test ${T_LIBRARIES})
    target_compile_definitions(${name} PRIVATE
        SRCDIR="${CMAKE_CURRENT_SOURCE_DIR}/"
        BILLSTREAM_CLI_PATH="$<TARGET_FILE:billstream-cli>"
        BILLSTREAM_APP_PATH="$<TARGET_FILE:billstream>")
    # Many tests run the real billstream-cli (BILLSTREAM_CLI_PATH): build it first.
    add_dependencies(${name} billstream-cli ${T_DEPENDS})
    add_test(NAME ${name} COMMAND ${name})
    set(env "QT_QPA_PLATFORM=offscreen;LC_ALL=C.UTF-8;BILLSTREAM_TEST=1")
    if(BILLSTREAM_SANITIZE)
        list(APPEND env "ASAN_OPTIONS=detect_leaks=0:abort_on_error=1"
                        "UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1")
    endif()
    if(NOT T_TIMEOUT)
        set(T_TIMEOUT 600)
    endif()
    set_tests_properties(${name} PROPERTIES LABELS "${T_LABELS}" ENVIRONMENT "${env}" TIMEOUT ${T_TIMEOUT})
endfunction()

# billstream_add_library(NAME LIBRARIES …): a static library of every .cpp/.h in the calling
# folder (new files join without touching CMake), linked to billstream_common.
function(billstream_add_library name)
    cmake_parse_arguments(L "" "" "LIBRARIES" ${ARGN})
    file(GLOB sources CONFIGURE_DEPENDS
        "${CMAKE_CURRENT_SOURCE_DIR}/*.cpp" "${CMAKE_CURRENT_SOURCE_DIR}/*.h")
    if(sources MATCHES "\\.cpp")
        add_library(${name} STATIC ${sources})
        target_link_libraries(${name} PUBLIC billstream_common ${L_LIBRARIES})
    else()
        # A layer whose code has not been written yet still takes its place in the graph.
        add_library(${name} INTERFACE)
        target_link_libraries(${name} INTERFACE billstream_common ${L_LIBRARIES})
    endif()
endfunction()
