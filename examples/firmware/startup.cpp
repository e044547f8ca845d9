// Start-up code for a Cortex-M4F on QEMU's mps2-an386 board: the vector
// table at address 0, then newlib's rdimon start-up (_start). That sets up
// .data, .bss, the heap and the stack limits through semihosting and calls
// main(); main's return value becomes QEMU's exit status.

#include <cstdint>

extern "C" void _start();

namespace {
alignas(8) std::uint8_t boot_stack[4096];
}

extern "C" [[noreturn]] void Reset_Handler() {
    // The FPU is off after reset; enable coprocessors CP10 and CP11 (CPACR)
    // before the first floating-point instruction.
    *reinterpret_cast<volatile std::uint32_t*>(0xE000ED88u) |= (0xFu << 20);
    __asm volatile("dsb\n isb" ::: "memory");
    _start();
    for (;;) {
    }
}

// Faults stop here; the test's timeout then reports the hang.
extern "C" [[noreturn]] void Default_Handler() {
    for (;;) {
    }
}

using handler = void (*)();

// Initial stack pointer, reset, NMI, hard fault, memory management fault,
// bus fault, usage fault, 4 reserved, SVCall, debug monitor, reserved,
// PendSV, SysTick.
extern "C" __attribute__((section(".vectors"), used)) const handler vector_table[16] = {
    reinterpret_cast<handler>(boot_stack + sizeof boot_stack),
    Reset_Handler,
    Default_Handler,
    Default_Handler,
    Default_Handler,
    Default_Handler,
    Default_Handler,
    nullptr,
    nullptr,
    nullptr,
    nullptr,
    Default_Handler,
    Default_Handler,
    nullptr,
    Default_Handler,
    Default_Handler};
