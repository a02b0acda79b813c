import sharp from 'sharp'
import * as repository from './hotels.repository.ts'
import type { BookingsDb } from './bookings.repository.ts'
import type { NewHotel, NewRoom } from './bookings.schemas.ts'
import type { HotelsService } from './hotels.service.ts'

interface DemoHotel {
  hotel: NewHotel
  /** The colour of its generated picture. */
  colour: string
  rooms: NewRoom[]
}

const DEMO_HOTELS: DemoHotel[] = [
  {
    hotel: {
      name: 'Hotel Atlântico',
      location: 'Rio de Janeiro',
      address: 'Av. Atlântica, 1702, Copacabana',
      services: ['wifi', 'pool', 'breakfast'],
    },
    colour: '#1f6fb2',
    rooms: [
      {
        name: 'Double, sea view',
        description: 'A double bed and a balcony over the beach.',
        price: '420.00',
        quantity: 8,
        services: ['air conditioning', 'minibar'],
      },
      {
        name: 'Twin, city side',
        description: 'Two single beds.',
        price: '310.00',
        quantity: 12,
        services: ['air conditioning'],
      },
    ],
  },
  {
    hotel: {
      name: 'Pousada do Largo',
      location: 'Paraty, Rio de Janeiro',
      address: 'Rua do Comércio, 15',
      services: ['wifi', 'breakfast'],
    },
    colour: '#c9822b',
    rooms: [
      {
        name: 'Colonial suite',
        description: 'Stone walls, a four-poster bed.',
        price: '380.00',
        quantity: 3,
        services: ['garden view'],
      },
    ],
  },
  {
    hotel: {
      name: 'Paulista Business',
      location: 'São Paulo',
      address: 'Av. Paulista, 2000',
      services: ['wifi', 'gym', 'parking'],
    },
    colour: '#5b5f66',
    rooms: [
      {
        name: 'Executive single',
        description: 'A desk, a fast connection and a quiet floor.',
        price: '290.00',
        quantity: 20,
        services: ['desk'],
      },
      {
        name: 'Executive double',
        description: 'A double bed and a work corner.',
        price: '350.00',
        quantity: 10,
        services: ['desk', 'bathtub'],
      },
    ],
  },
  {
    hotel: {
      name: 'Hotel Alfama',
      location: 'Lisbon',
      address: 'Rua de São Miguel, 20',
      services: ['wifi', 'rooftop bar'],
    },
    colour: '#d64545',
    rooms: [
      {
        name: 'River view double',
        description: 'Looks over the Tagus.',
        price: '180.00',
        quantity: 6,
        services: ['balcony'],
      },
    ],
  },
]

/** A plain picture of one colour, so the demo shows images without shipping any. */
function picture(colour: string): Promise<Buffer> {
  return sharp({ create: { width: 1200, height: 800, channels: 3, background: colour } })
    .png()
    .toBuffer()
}

/** Demo hotels in a few cities, with room types and a picture each; skips hotels already there. */
export async function seedHotels(db: BookingsDb, hotels: HotelsService): Promise<number> {
  let added = 0
  for (const demo of DEMO_HOTELS) {
    if (await repository.hotelExists(db, demo.hotel.name, demo.hotel.location)) continue
    const hotel = await hotels.createHotel(demo.hotel)
    await hotels.addHotelImage(hotel.id, await picture(demo.colour))
    for (const input of demo.rooms) {
      const room = await hotels.createRoom(hotel.id, input)
      await hotels.addRoomImage(room.id, await picture(demo.colour))
    }
    added += 1
  }
  return added
}
