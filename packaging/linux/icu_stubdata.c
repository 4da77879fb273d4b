/* ICU's "stubdata" (icu4c/source/stubdata): a common-data table with no entries, in place of
   Qt's 31 MB libicudata; packaging/workbench.spec builds it with -DICU_ENTRY=icudt<version>_dat. */
#include <stdint.h>
typedef struct {
    uint16_t headerSize; uint8_t magic1, magic2;
    struct { uint16_t size, reserved; uint8_t isBigEndian, charsetFamily, sizeofUChar, reservedByte;
             uint8_t dataFormat[4], formatVersion[4], dataVersion[4]; } info;
    char padding[8];
    uint32_t count, reserved;
    struct { const char *entryName; const void *pData; } toc[1];
} ICU_Data_Header;
__attribute__((visibility("default"))) const ICU_Data_Header ICU_ENTRY = {
    32, 0xda, 0x27,
    { 20, 0, 0, 0, 2, 0, {0x43, 0x6d, 0x6e, 0x44}, {1, 0, 0, 0}, {0, 0, 0, 0} },
    {0}, 0, 0, {{0, 0}}
};
