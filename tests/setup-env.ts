import { existsSync } from 'node:fs';

// Dawn finds no adapter on a machine without a GPU unless Vulkan is pointed at SwiftShader,
// which Debian's chromium package ships. A real GPU's driver wins when the variable is already set.
const swiftshader = '/usr/lib/chromium/vk_swiftshader_icd.json';
if (!process.env.VK_ICD_FILENAMES && existsSync(swiftshader)) process.env.VK_ICD_FILENAMES = swiftshader;
