// Application skins for the demo dashboard (UI colours only).
export interface Skin {
  name: string;
  skinColor: string;
  textColor: string;
}

export const skins: Skin[] = [
  { name: 'Midnight', skinColor: 'black', textColor: 'white' },
  { name: 'Paper', skinColor: 'white', textColor: 'black' },
  { name: 'Sunflower', skinColor: 'yellow', textColor: 'brown' },
];
