import { existsSync } from 'node:fs';

// Dawn finds no adapter on a machine without a GPU unless Vulkan is pointed at SwiftShader,
// which Debian's chromium package ships. A real GPU's driver wins when either variable that names
// Vulkan drivers is already set (VK_DRIVER_FILES is the newer one, which .gpu/remote.sh sets).
const swiftshader = '/usr/lib/chromium/vk_swiftshader_icd.json';
if (!process.env.VK_ICD_FILENAMES && !process.env.VK_DRIVER_FILES && existsSync(swiftshader))
  process.env.VK_ICD_FILENAMES = swiftshader;
